import { describe, expect, it } from 'vitest';
import { bodyText } from '../../src/text/body-text.js';

describe('bodyText', () => {
  it('turns an HTML error page into its meaningful lines, tags and entities gone, repeats dropped', () => {
    const page =
      '<!DOCTYPE html>\n<html>\n<head><title>401 Authorization Required</title>' +
      '<style>body{color:red}</style></head>\n<body>\n<center><h1>401 Authorization Required</h1></center>\n' +
      '<hr><center>nginx &amp; friends</center>\n</body>\n</html>\n';
    expect(bodyText(page, 'text/html')).toBe('401 Authorization Required | nginx & friends');
  });

  it('keeps a one-line body, compacts JSON and joins the lines of any other text', () => {
    expect(bodyText('token expired')).toBe('token expired');
    expect(bodyText('{\n  "error": "bad token",\n  "code": 7\n}', 'application/json')).toBe(
      '{"error":"bad token","code":7}',
    );
    expect(bodyText('denied\n\n  see the docs  \n')).toBe('denied | see the docs');
  });

  it('cuts to the length asked for with an ellipsis', () => {
    const text = bodyText('x'.repeat(500), '', 50);
    expect(text).toHaveLength(50);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('bodyText character references', () => {
  it('turns references past U+10FFFF, surrogates and NUL into U+FFFD instead of throwing', () => {
    const page = '<p>a&#x110000;b&#1114112;c&#xD800;d&#0;e&#x41;&#66;&#99999999999999999999999;</p>';
    expect(bodyText(page, 'text/html')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDeAB\uFFFD');
  });
});
