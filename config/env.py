"""The one place that reads the environment (environs)."""

from environs import Env

env = Env()
env.read_env(override=False)
