"""Participation: /mine (我的待办), the record (我的参与, /myrecord), the community's
table (/participation), and the persistent keyboard of big buttons in private chats."""
