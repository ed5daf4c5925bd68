// What a reader on a small screen meets on the page as it is now (tests/browser/test_phone.py).
// Returns plain data: the page's width and height, the table cells off the screen, labels of a
// chart or picture closer than 4 px, legends over a chart's plotting area, and words broken
// across two lines.
() => {
  const screen = document.documentElement.clientWidth;
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const say = (el) => el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40);
  // The distance between two boxes: negative where they overlap.
  const gap = (a, b) => Math.max(b.left - a.right, a.left - b.right, b.top - a.bottom, a.top - b.bottom);

  const cells = [...document.querySelectorAll('table th, table td')].filter(shown);
  const off = cells.filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.width > 0 && (box.right > screen + 1 || box.left < -1);
  }).map(say);

  // Labels: each axis of a plotly chart, each no-JS picture (inline SVG).
  const groups = [];
  document.querySelectorAll('.plot .main-svg').forEach((svg) => {
    svg.querySelectorAll('.xaxislayer-above, .yaxislayer-above').forEach((axis) => groups.push([...axis.querySelectorAll('text')]));
  });
  document.querySelectorAll('figure svg').forEach((svg) => {
    if (!svg.closest('.plot')) groups.push([...svg.querySelectorAll('text')]);
  });
  const close = [];
  groups.forEach((texts) => {
    const boxes = texts.filter((t) => t.textContent.trim() && shown(t)).map((t) => [t.textContent, t.getBoundingClientRect()]);
    boxes.forEach(([text, box], i) => boxes.slice(i + 1).forEach(([other, next]) => {
      if (gap(box, next) < 4) close.push(text + ' | ' + other);
    }));
  });

  // A legend on the bars or on the month labels.
  const covered = [];
  document.querySelectorAll('.plot').forEach((plot) => {
    const legend = plot.querySelector('g.legend');
    if (!legend) return;
    const box = legend.getBoundingClientRect();
    plot.querySelectorAll('.nsewdrag').forEach((area) => {
      if (gap(box, area.getBoundingClientRect()) < 0) covered.push('plot of ' + (plot.dataset.figure || plot.id));
    });
    plot.querySelectorAll('.xaxislayer-above text').forEach((t) => {
      if (gap(box, t.getBoundingClientRect()) < 4) covered.push('label ' + t.textContent);
    });
  });

  // Words: a run of letters and digits (spaces, hyphens and slashes part words) on one line.
  // A Vietnamese word is one syllable, so a word on two lines is a syllable broken ("Phườn / g").
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, pre, code, svg, .plot') || !shown(parent)) continue;
    for (const word of node.data.matchAll(/[^\s\-–—\/·]{2,}/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = [...range.getClientRects()].filter((box) => box.width > 0);
      if (lines.length < 2) continue;
      const bottoms = lines.map((box) => box.bottom);
      if (Math.max(...bottoms) - Math.min(...bottoms) > lines[0].height / 2) broken.push(word[0]);
    }
  }
  return {
    width: document.documentElement.scrollWidth, screen: screen, height: document.documentElement.scrollHeight,
    cells: cells.length, off: off, close: close, covered: covered, broken: broken,
  };
}
