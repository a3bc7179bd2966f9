// A strict XML parser for tests (saxes: XML 1.0 well-formedness, invalid characters included) into a small tree.

import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses `xml`; throws on anything not well-formed. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  parser.on('opentag', (tag) => {
    const el: XmlElement = {
      name: tag.name,
      attributes: { ...(tag.attributes as Record<string, string>) },
      children: [],
      text: '',
    };
    stack.at(-1)!.children.push(el);
    stack.push(el);
  });
  parser.on('text', (text) => (stack.at(-1)!.text += text));
  parser.on('cdata', (text) => (stack.at(-1)!.text += text));
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return root.children[0]!;
}

export function find(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => (c.name === name ? [c, ...find(c, name)] : find(c, name)));
}
