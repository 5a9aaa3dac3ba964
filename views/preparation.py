"""(being written)"""
SCREENS = []
APIS = []
