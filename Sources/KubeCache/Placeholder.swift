// KubeCache: filled by its issue.
