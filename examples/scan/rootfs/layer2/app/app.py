import os

import requests


def main():
    # The example's application: fetches a page with the pinned (old) requests.
    url = os.environ.get("APP_URL", "http://127.0.0.1:8080/")
    print(requests.get(url, timeout=5).status_code)


if __name__ == "__main__":
    main()
