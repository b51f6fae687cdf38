"""Managing what is stored: /remove, /articles with its paging buttons, and /stats.

Admin gating happens in `bot.app`; only the paging button, which anyone in a chat can press,
checks the presser here.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import render_admin
from bot.messages import message_of, page_offset, whole_number
from bot.services import Context
from index import AsyncEngine, NotFound

__all__ = [
    "ARTICLES_CALLBACK",
    "MAX_REMOVALS",
    "PAGE_SIZE",
    "REMOVE_USAGE",
    "articles",
    "articles_page",
    "remove",
    "stats",
]

MAX_REMOVALS = 20
PAGE_SIZE = 10
ARTICLES_CALLBACK = "articles:"
REMOVE_USAGE = "Usage: /remove ID|URL (the number shown by /articles, or the article's link)."


async def remove(update: Update, context: Context) -> None:
    """/remove ID|URL…: delete articles; their passages vanish from answers at once."""
    message = message_of(update)
    keys = context.args or []
    if not keys:
        await message.reply_text(REMOVE_USAGE)
        return
    engine = await context.bot_data.ready_engine()
    lines: list[str] = []
    for key in keys[:MAX_REMOVALS]:
        try:
            article = await engine.remove(key)
        except NotFound as error:
            lines.append(render_admin.render_problem(str(error)))
        else:
            lines.append(render_admin.render_removed(article))
    for text in render_admin.pack_lines(lines):
        await message.reply_text(text)


async def articles(update: Update, context: Context) -> None:
    """/articles [PAGE]: the stored articles, newest first, with buttons to page through."""
    offset = page_offset(context.args[0] if context.args else None, PAGE_SIZE)
    engine = await context.bot_data.ready_engine()
    text, keyboard = await _article_page(engine, offset)
    await message_of(update).reply_text(text, reply_markup=keyboard)


async def articles_page(update: Update, context: Context) -> None:
    """An /articles button: show that page in the same message (admins only)."""
    query = update.callback_query
    if query is None:
        return
    data = context.bot_data
    if not data.is_admin(query.from_user.id):
        await query.answer("Only this bot's admins can browse its articles.", show_alert=True)
        return
    # Button data comes back from the client and can be forged: read it as a number or not at all.
    offset = whole_number((query.data or "").removeprefix(ARTICLES_CALLBACK)) or 0
    text, keyboard = await _article_page(await data.ready_engine(), offset)
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:
        # Pressing a button for the page already shown (or a stale one) changes nothing.
        if "not modified" not in error.message.lower():
            raise


async def stats(update: Update, context: Context) -> None:
    """/stats: how many articles and passages are stored, and how big the index is."""
    engine = await context.bot_data.ready_engine()
    await message_of(update).reply_text(render_admin.render_stats(await engine.stats()))


async def _article_page(
    engine: AsyncEngine, offset: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /articles and its Newer/Older buttons."""
    total = (await engine.stats()).articles
    # Past the end (a typed page number, a stale or forged button): the last page.
    offset = min(offset - offset % PAGE_SIZE, max(0, (total - 1) // PAGE_SIZE * PAGE_SIZE))
    page = await engine.list_articles(offset, PAGE_SIZE)
    return render_admin.render_article_list(page, offset, total), _paging_keyboard(
        offset, len(page), total
    )


def _paging_keyboard(offset: int, shown: int, total: int) -> InlineKeyboardMarkup | None:
    buttons: list[InlineKeyboardButton] = []
    if offset > 0:
        newer = max(0, offset - PAGE_SIZE)
        buttons.append(
            InlineKeyboardButton(
                "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK} Newer",
                callback_data=f"{ARTICLES_CALLBACK}{newer}",
            )
        )
    if offset + shown < total:
        buttons.append(
            InlineKeyboardButton(
                "Older \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}",
                callback_data=f"{ARTICLES_CALLBACK}{offset + PAGE_SIZE}",
            )
        )
    return InlineKeyboardMarkup([buttons]) if buttons else None
