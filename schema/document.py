"""Document templates for the 24 附件 and documents (generated or uploaded) kept in the storage folder."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import DOCUMENT_STATES, TEMPLATE_FORMATS
from .inspection import Inspection


class DocumentTemplate(Timestamps, Model):
    """A slot per 附件 with its versions; the active version renders."""

    __tablename__ = "document_template"
    __table_args__ = (sa.UniqueConstraint("attachment_no", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_no: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)  # 1…24
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    file_format: Mapped[str] = mapped_column(choice("template_format", TEMPLATE_FORMATS), nullable=False)
    is_guidance: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # 附件2, 附件21
    version: Mapped[int] = mapped_column(sa.Integer, default=1, nullable=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    original_name: Mapped[str | None] = mapped_column(sa.String(255))
    storage_name: Mapped[str | None] = mapped_column(sa.String(255))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))

    def __str__(self) -> str:
        return f"附件{self.attachment_no} {self.title}"


class Document(Timestamps, Model):
    """A file in the storage folder, with its original Chinese name and SHA-256.

    A generated 附件 is one document per subject with versions: the rows sharing a `subject` ("inspection:5:7",
    "transfer:3:12" — what it documents and the 附件 number) are its versions 1, 2 … each 草稿 until a step makes it
    定稿 (who, when). Uploaded files have no subject and no version.
    """

    __tablename__ = "document"
    __table_args__ = (sa.UniqueConstraint("subject", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = fk("inspection.id", ondelete="CASCADE")
    attachment_no: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    template_id: Mapped[int | None] = fk("document_template.id", ondelete="SET NULL")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    storage_name: Mapped[str] = mapped_column(sa.String(255), nullable=False, unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    is_generated: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    is_confidential: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    # 密级 of a confidential document (enums.CLASSIFICATIONS: 内部 at least, raised by the records it was made from)
    classification: Mapped[str | None] = mapped_column(sa.String(10))
    # The confidential records a generated document was made from, {table: [ids]}: downloading it reads each of them.
    contents: Mapped[dict | None] = mapped_column(sa.JSON)
    formed_on: Mapped[date | None] = mapped_column(sa.Date)
    uploaded_by: Mapped[str | None] = mapped_column(sa.String(100))
    # 六（二）3: the transfer's list and 呈报单 go to 巡察办's file, never the team's.
    transfer_id: Mapped[int | None] = fk("transfer.id", ondelete="SET NULL")
    subject: Mapped[str | None] = mapped_column(sa.String(60), index=True)  # app.commands.documents.subject_key
    version: Mapped[int | None] = mapped_column(sa.Integer)
    state: Mapped[str | None] = mapped_column(choice("document_state", DOCUMENT_STATES))  # 草稿 / 定稿
    # SHA-256 of the context and template it was rendered from: the same content is not stored twice
    content_key: Mapped[str | None] = mapped_column(sa.String(64))
    finalized_by: Mapped[str | None] = mapped_column(sa.String(100))
    finalized_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # 页数 of the rendered PDF, filled from the rendered PDF when a version is marked 定稿 (app.commands.documents.finalize) (附件24)
    page_count: Mapped[int | None] = mapped_column(sa.Integer)

    inspection: Mapped[Inspection | None] = relationship(lazy="selectin")
    template: Mapped[DocumentTemplate | None] = relationship()

    def __str__(self) -> str:
        return f"{self.original_name}（第{self.version}版 {self.state}）" if self.version else self.original_name


petition_document = sa.Table(  # a petition's letters, scans and notes (附件11 登记)
    "petition_document",
    Model.metadata,
    sa.Column("petition_id", sa.ForeignKey("petition.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True, index=True),
)
