"""Files: uploads, downloads through getFile, resending by file id."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest

from bot.standin import FakeBotApi
from tests.bot.standin.conftest import ALICE, BOB, GROUP, _ci, _next_update


async def test_send_document_records_the_upload(api: FakeBotApi, bot: telegram.Bot) -> None:
    content = "日期,时长\n2024-05-01,3\n".encode()
    sent = await bot.send_document(
        ALICE, content, filename="hours.csv", caption="<b>时长</b>", parse_mode="HTML"
    )
    assert sent.document is not None
    assert sent.document.file_name == "hours.csv"
    assert sent.document.file_size == len(content)
    assert sent.caption == "时长" and sent.caption_entities[0].type == "bold"
    stored = api.last_bot_message(ALICE)
    assert stored["_files"] == {"hours.csv": content}
    method, params = api.calls[-1]
    assert method == "sendDocument" and params["_files"] == {"document": "hours.csv"}
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_document(BOB, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    with pytest.raises(BadRequest, match=_ci("wrong file identifier")):
        await bot.send_document(BOB, "no-such-file-id")


async def test_send_photo_and_user_photo(api: FakeBotApi, bot: telegram.Bot) -> None:
    sent = await bot.send_photo(GROUP, b"\x89PNG\r\n\x1a\n" + bytes(20), caption="合影")
    assert sent.photo and sent.caption == "合影"
    api.send_photo(ALICE, None, caption="签到", data=b"selfie")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.caption == "签到"
    file = await update.message.photo[-1].get_file()
    assert bytes(await file.download_as_bytearray()) == b"selfie"


async def test_user_audio_and_video_resent_by_file_id(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_audio(ALICE, None, "党课录音.mp3", b"ID3 audio")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.audio is not None
    audio_id = update.message.audio.file_id
    api.send_video(ALICE, None, "党课.mp4", b"video bytes")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.video is not None
    video_id = update.message.video.file_id
    sent_audio = await bot.send_audio(BOB, audio_id)
    assert sent_audio.audio is not None and sent_audio.audio.file_id == audio_id
    sent_video = await bot.send_video(BOB, video_id)
    assert sent_video.video is not None and sent_video.video.file_id == video_id
    with pytest.raises(BadRequest, match=_ci("can't use file of type Audio as Video")):
        await bot.send_video(BOB, audio_id)
    file = await bot.get_file(video_id)
    assert bytes(await file.download_as_bytearray()) == b"video bytes"


async def test_user_voice_resent_by_file_id(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_voice(ALICE, None, b"OggS voice")
    update = await _next_update(bot, api)
    assert update.message is not None and update.message.voice is not None
    voice_id = update.message.voice.file_id
    sent = await bot.send_voice(GROUP, voice_id, caption="🎤 #1 的语音说明")
    assert sent.voice is not None and sent.voice.file_id == voice_id
    assert sent.caption == "🎤 #1 的语音说明"
    with pytest.raises(BadRequest, match=_ci("can't use file of type Voice as Audio")):
        await bot.send_audio(BOB, voice_id)
    file = await bot.get_file(voice_id)
    assert bytes(await file.download_as_bytearray()) == b"OggS voice"
