await KcacheCommand.main()
