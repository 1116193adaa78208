// KubeSim: filled by its issue.
