"""Volunteer service (志愿者打卡): activities, sign-up, check-in, hours, units and the rota."""
