"""An SMS backend for the load run only: appends "phone<TAB>message" to the file named
by DOORSTEP_LOAD_SMS_FILE, where the load client reads the resident's sign-in code.
Set with DOORSTEP_SMS_BACKEND=sms_file.FileBackend and bench/load on PYTHONPATH."""

from __future__ import annotations

import os


class FileBackend:
    def send(self, phone: str, message: str) -> None:
        line = f"{phone}\t{' '.join(message.split())}\n".encode()
        fd = os.open(os.environ["DOORSTEP_LOAD_SMS_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)  # one write with O_APPEND: lines of two workers never mix
        finally:
            os.close(fd)
