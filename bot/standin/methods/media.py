"""Files: uploads, ``attach://`` references and file ids; sendDocument, sendPhoto, sendAudio,
sendVideo, sendVoice, getFile and the bytes behind a ``file_path`` (the download route).
"""

from __future__ import annotations

import mimetypes
import struct
from collections.abc import Mapping
from typing import Any

from bot.standin.errors import _ApiError, _bad
from bot.standin.methods.messages import Messages
from bot.standin.world import _File, _Files

_WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


class Media(Messages):
    """Stored files and the Bot API methods that send or fetch them."""

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes behind a ``file_path`` from getFile, or None (the download route)."""
        found = self._files_by_path.get(file_path)
        return found.data if found else None

    def file_by_id(self, file_id: str) -> bytes | None:
        """The bytes of a stored file (an upload, or a photo size) by its file_id, or None."""
        found = self._files.get(file_id)
        return found.data if found else None

    def _store_file(
        self, kind: str, file_name: str | None, data: bytes, mime_type: str | None = None
    ) -> _File:
        self._file_counter += 1
        number = self._file_counter
        prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}.get(kind, "CAACAgI")
        suffix = "jpg" if kind == "photo" else (file_name or "file").rpartition(".")[2] or "bin"
        if kind != "photo" and "." not in (file_name or ""):
            suffix = "bin"
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        folder = "photos" if kind == "photo" else "documents"
        stored = _File(
            file_id=f"{prefix}{number:06d}",
            file_unique_id=f"AQAD{number:06d}",
            kind=kind,
            file_name=file_name,
            mime_type=mime_type or "application/octet-stream",
            data=data,
            file_path=f"{folder}/file_{number}.{suffix}",
        )
        if kind == "photo":
            stored.width, stored.height = _png_size(data) or (800, 600)
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _photo_sizes(self, photo: _File) -> list[dict[str, Any]]:
        scale = max(photo.width, photo.height) / 90 or 1
        small_id = photo.file_id + "_s"
        if small_id not in self._files:
            small = _File(
                small_id,
                photo.file_unique_id + "s",
                "photo",
                None,
                photo.mime_type,
                photo.data,
                photo.file_path.replace(".jpg", "_s.jpg"),
                max(1, round(photo.width / scale)),
                max(1, round(photo.height / scale)),
            )
            self._files[small_id] = small
            self._files_by_path[small.file_path] = small
        sizes = []
        for item in (self._files[small_id], photo):
            sizes.append(
                {
                    "file_id": item.file_id,
                    "file_unique_id": item.file_unique_id,
                    "file_size": len(item.data),
                    "width": item.width,
                    "height": item.height,
                }
            )
        return sizes

    @staticmethod
    def _document_json(document: _File) -> dict[str, Any]:
        result: dict[str, Any] = {
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_size": len(document.data),
        }
        if document.file_name:
            result["file_name"] = document.file_name
        if document.mime_type:
            result["mime_type"] = document.mime_type
        return result

    @classmethod
    def _audio_json(cls, audio: _File) -> dict[str, Any]:
        return {**cls._document_json(audio), "duration": 0}

    @classmethod
    def _voice_json(cls, voice: _File) -> dict[str, Any]:
        return {**cls._document_json(voice), "duration": 3}

    @classmethod
    def _video_json(cls, video: _File) -> dict[str, Any]:
        return {**cls._document_json(video), "duration": 0, "width": 640, "height": 360}

    def _input_file(
        self, field_name: str, kind: str, params: Mapping[str, Any], files: _Files
    ) -> tuple[_File, bytes | None]:
        """Resolve an upload, ``attach://`` reference or file_id; (file, uploaded bytes)."""
        upload: tuple[str, bytes] | None = files.get(field_name)
        value = params.get(field_name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad(_WRONG_FILE_ID.removeprefix("Bad Request: "))
        if upload is not None:
            filename, data = upload
            if not data:
                raise _bad("file must be non-empty")
            if len(data) > 50 * 1024 * 1024:
                raise _ApiError(413, "Request Entity Too Large")
            return self._store_file(kind, filename, data), data
        if value is None or value == "":
            raise _bad(f"there is no {field_name} in the request")
        text = str(value)
        known = self._files.get(text)
        if known is None:
            if text.startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")
            raise _bad(_WRONG_FILE_ID.removeprefix("Bad Request: "))
        if known.kind != kind:
            raise _bad(f"can't use file of type {known.kind.capitalize()} as {kind.capitalize()}")
        return known, None

    def _send_document(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        document, data = self._input_file("document", "document", params, files)
        fields["document"] = self._document_json(document)
        uploads = {document.file_name or document.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_photo(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        photo, data = self._input_file("photo", "photo", params, files)
        fields["photo"] = self._photo_sizes(photo)
        uploads = {photo.file_name or photo.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_audio(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        audio, data = self._input_file("audio", "audio", params, files)
        fields["audio"] = self._audio_json(audio)
        uploads = {audio.file_name or audio.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_voice(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        voice, data = self._input_file("voice", "voice", params, files)
        fields["voice"] = self._voice_json(voice)
        uploads = {voice.file_name or voice.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _send_video(self, params: dict[str, Any], files: _Files) -> Any:
        chat = self._target_chat(params)
        fields = self._caption_fields(params)
        video, data = self._input_file("video", "video", params, files)
        fields["video"] = self._video_json(video)
        uploads = {video.file_name or video.file_id: data} if data is not None else {}
        return self._bot_send(chat, params, fields, uploads)

    def _get_file(self, params: dict[str, Any], files: _Files) -> Any:
        found = self._files.get(str(params.get("file_id") or ""))
        if found is None:
            raise _bad("invalid file_id")
        if len(found.data) > 20 * 1024 * 1024:
            raise _bad("file is too big")
        return {
            "file_id": found.file_id,
            "file_unique_id": found.file_unique_id,
            "file_size": len(found.data),
            "file_path": found.file_path,
        }
