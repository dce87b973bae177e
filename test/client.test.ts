import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { requests } from '../src/client/requests.js';

describe('client request builders', () => {
  it('send every value as the characters it holds, including ones that look like entity references', () => {
    const xml = requests.info('cl-&amp;-1', 'contact', 'AT&amp;T&#0;');
    const doc = new XMLParser({ removeNSPrefix: true, processEntities: true, htmlEntities: false }).parse(xml);
    expect(doc.epp.command.info.info.id).to.equal('AT&amp;T&#0;');
    expect(doc.epp.command.clTRID).to.equal('cl-&amp;-1');
  });
});
