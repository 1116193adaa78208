import KubeAPI
print("kcache")
