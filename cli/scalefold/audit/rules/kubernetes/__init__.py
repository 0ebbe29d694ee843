"""Kubernetes rules: probes, resources and a locked-down security context for every workload."""
