import time
from playwright.sync_api import expect

def test_timing(page):
    t = time.perf_counter()
    def lap(msg):
        nonlocal t
        now = time.perf_counter(); print(f"{msg}: {now - t:.2f}s"); t = now
    for i in range(5):
        page.goto("/sign-in/"); lap(f"{i} goto")
        page.get_by_label("Username").fill("jo.bennett")
        page.get_by_label("Password").fill("x"); lap(f"{i} fill")
        page.get_by_role("button", name="Sign in").click(); lap(f"{i} click")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Ourplan" if i < 4 else "Your account is locked"); lap(f"{i} response")
