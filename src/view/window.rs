//! Which rows of a long list the page lays out: the calls list renders only the rows in and near
//! its scrolled view once it is long ([`scrolled`]), and the ladder draws its rows a page at a
//! time ([`paged`]). Thousands of rows then cost what a screenful costs. Pure arithmetic.

/// Lists longer than this are windowed; shorter ones are laid out whole (find in page works).
pub const WINDOW_MIN: usize = 1000;

/// Ladder rows drawn at once.
pub const LADDER_PAGE: usize = 300;

/// Rows `start..end` are laid out; spacers of `before` and `after` pixels stand for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    pub before: u64,
    pub after: u64,
}

/// The rows of a list of `len` rows of `row_h` pixels each, scrolled to `scroll_top` in a view
/// `view_h` pixels high, with `overscan` rows more on each side.
pub fn scrolled(len: usize, row_h: u32, scroll_top: u32, view_h: u32, overscan: usize) -> Window {
    let row_h = row_h.max(1) as usize;
    let first = (scroll_top as usize / row_h).min(len);
    let shown = (view_h as usize).div_ceil(row_h);
    let start = first.saturating_sub(overscan);
    let end = first.saturating_add(shown).saturating_add(overscan).min(len);
    Window { start, end, before: (start * row_h) as u64, after: ((len - end) * row_h) as u64 }
}

/// The scroll offset that brings row `index` into a view (a third down from its top).
pub fn scroll_to(index: usize, row_h: u32, view_h: u32) -> u32 {
    (index as u64).saturating_mul(row_h as u64).saturating_sub(view_h as u64 / 3).min(u32::MAX as u64) as u32
}

/// The ladder page to draw: pages of [`LADDER_PAGE`] rows, `page` counted from 0 and kept in
/// range. Returns `start..end`.
pub fn paged(len: usize, page: usize) -> (usize, usize) {
    let pages = len.div_ceil(LADDER_PAGE).max(1);
    let start = page.min(pages - 1) * LADDER_PAGE;
    (start.min(len), (start + LADDER_PAGE).min(len))
}

/// The page that holds row `row`.
pub fn page_of(row: usize) -> usize {
    row / LADDER_PAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolled_windows() {
        let check = |len, top, view, want: (usize, usize, u64, u64)| {
            let w = scrolled(len, 40, top, view, 5);
            assert_eq!((w.start, w.end, w.before, w.after), want, "len {len} top {top} view {view}");
            assert_eq!(
                w.before + (w.end - w.start) as u64 * 40 + w.after,
                len as u64 * 40,
                "the spacers keep the height"
            );
        };
        check(20_000, 0, 400, (0, 15, 0, (20_000 - 15) * 40));
        check(20_000, 4000, 400, (95, 115, 95 * 40, (20_000 - 115) * 40));
        check(20_000, 800_000, 400, (19_995, 20_000, 19_995 * 40, 0));
        check(20_000, u32::MAX, 400, (19_995, 20_000, 19_995 * 40, 0));
        check(0, 100, 400, (0, 0, 0, 0));
        check(3, 0, 0, (0, 3, 0, 0));
        assert_eq!(scrolled(10, 0, 0, 100, 0).end, 10, "a zero row height is taken as one pixel");
    }

    #[test]
    fn scrolling_to_a_row() {
        assert_eq!(scroll_to(0, 40, 600), 0);
        assert_eq!(scroll_to(100, 40, 600), 4000 - 200);
        assert_eq!(scroll_to(usize::MAX / 2, 40, 600), u32::MAX);
    }

    #[test]
    fn ladder_pages() {
        assert_eq!(paged(0, 0), (0, 0));
        assert_eq!(paged(10, 0), (0, 10));
        assert_eq!(paged(20_000, 0), (0, LADDER_PAGE));
        assert_eq!(paged(20_000, 1), (LADDER_PAGE, 2 * LADDER_PAGE));
        let last = 20_000 / LADDER_PAGE;
        assert_eq!(paged(20_000, 999), (last * LADDER_PAGE, 20_000), "past the end: the last page");
        assert_eq!(page_of(0), 0);
        assert_eq!(page_of(LADDER_PAGE), 1);
    }
}
