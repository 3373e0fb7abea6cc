import os

# The password comes from the environment: nothing to find here.
DB_PASSWORD = os.environ["DB_PASSWORD"]
