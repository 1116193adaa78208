// KubeUpstream: filled by its issue.
