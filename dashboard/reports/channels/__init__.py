"""The channels page (CAC / ROI, budget, planner): model, load, budget, tables and charts."""
