"""Storage of volunteer service (志愿者打卡)."""
