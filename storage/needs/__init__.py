"""The two lists (需求/服务两张清单): needs, services offered and their claims."""
