print("kcache-bench")
