"""Growing a generated project after day one: ``scalefold add module``."""

from scalefold.grow.add_module import AddModuleRequest, ModulePlan, apply_plan, plan_module

__all__ = ["AddModuleRequest", "ModulePlan", "apply_plan", "plan_module"]
