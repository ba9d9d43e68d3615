"""In-service members (在职党员报到): the contact card's link and token, and its picture."""

from __future__ import annotations

import io

from PIL import Image

from bot.charts import BUNDLED_FONT
from bot.code_picture import qr_image
from bot.members.cards import contact_card, pledge_card
from bot.members.inservice import contact_link, token_of


def test_the_link_is_the_bots_deep_link_and_only_a_fair_token_is_read() -> None:
    link = contact_link("pavilion_bot", "Ab3_-" * 4)
    assert link == "https://t.me/pavilion_bot?start=contact-Ab3_-Ab3_-Ab3_-Ab3_-"
    assert token_of(["contact-" + "Ab3_-" * 4]) == "Ab3_-" * 4
    # Another payload is not a card's; a card's with a token too short or odd is refused
    # ("": the card is gone) rather than looked up.
    for args in (None, [], ["join"], ["ics-s-20261203"], ["contact-a", "b"]):
        assert token_of(args) is None, args
    for token in ("short", "x" * 65, "abc$defghijklmnopq", "13800138000"):
        assert token_of([f"contact-{token}"]) == "", token


def test_the_card_holds_the_qr_of_the_link_under_the_rows() -> None:
    spec = {
        "title": "在职党员联系卡",
        "rows": [["党员", "王芳"], ["岗位", "楼栋长"], ["包楼栋", "3号楼"]],
        "link": "https://t.me/pavilion_bot?start=contact-" + "x" * 24,
        "scan": "扫码给 王芳 留言（不显示电话号码）",
        "community": "幸福社区",
        "date": "报到日期：2026年11月19日",
    }
    card = contact_card(spec)
    assert card.fonts == (BUNDLED_FONT,)
    image = Image.open(io.BytesIO(card.png)).convert("RGB")
    qr = qr_image(str(spec["link"]), 9)
    # Taller than the same rows as a pledge by the QR and its caption.
    pledge = Image.open(io.BytesIO(pledge_card(spec).png))
    assert image.width == 900 and image.height == pledge.height + qr.height + 30 + 50
    # The QR is pasted whole, centred: its pixels are on the card as drawn.
    left = (900 - qr.width) // 2
    top = (
        next(
            y
            for y in range(image.height)
            if image.getpixel((left + 5 * 9, y)) == (0, 0, 0)  # the finder pattern's edge
        )
        - 2 * 9
    )
    box = image.crop((left, top, left + qr.width, top + qr.height))
    assert box.tobytes() == qr.tobytes()
    assert contact_card(spec).png == card.png
