// KubeSnapshot: filled by its issue.
