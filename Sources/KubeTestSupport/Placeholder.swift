// KubeTestSupport: filled by its issue.
