"""The migrations, one file a step, in order: 0001_initial, 0002_session_claims, …"""
