// KubeProxy: filled by its issue.
