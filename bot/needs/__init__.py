"""The two lists (需求/服务两张清单): residents' needs and the services offered."""
