import { needsScriptLayout, paragraphLevels, visualRuns } from './script-runs';

const runs = (text: string) => visualRuns(text, paragraphLevels(text));

describe('script runs of invoice text', () => {
  it('leaves text without Hebrew or Arabic to pdfkit', () => {
    expect(needsScriptLayout('北京示例科技有限公司')).toBe(false);
    expect(needsScriptLayout('Acme AI Ltd., 1 Market St')).toBe(false);
    expect(needsScriptLayout('Acme בע״מ')).toBe(true);
    expect(needsScriptLayout('شركة Acme')).toBe(true);
  });

  it('sets a Hebrew run in the Hebrew font after the Latin one of a left-to-right line', () => {
    // fontkit reverses a Hebrew run itself, so it is handed over as stored.
    expect(runs('Acme בע״מ')).toEqual([
      { text: 'Acme ', script: 'base' },
      { text: 'בע״מ', script: 'hebrew' },
    ]);
  });

  it('puts the Latin run of a right-to-left line on its left', () => {
    expect(runs('شركة Acme')).toEqual([
      { text: 'Acme', script: 'base' },
      { text: ' ', script: 'base' },
      { text: 'شركة', script: 'arabic' },
    ]);
  });

  it('keeps a Hebrew phrase in one run and the number in it left to right', () => {
    expect(runs('רחוב הרצל 12, תל אביב')).toEqual([
      { text: 'תל אביב', script: 'hebrew' },
      { text: ' ,', script: 'base' },
      { text: '12', script: 'base' },
      { text: ' ', script: 'base' },
      { text: 'רחוב הרצל', script: 'hebrew' },
    ]);
  });

  it('mirrors brackets in right-to-left text and reverses what fontkit would not', () => {
    expect(runs('שלום (עולם)')).toEqual([
      { text: '(', script: 'base' },
      { text: 'עולם', script: 'hebrew' },
      { text: ') ', script: 'base' },
      { text: 'שלום', script: 'hebrew' },
    ]);
  });

  it('hands Arabic-Indic digits over reversed, since fontkit reverses them as Arabic', () => {
    expect(runs('رقم ١٢٣')).toEqual([
      { text: '٣٢١', script: 'arabic' },
      { text: 'رقم ', script: 'arabic' },
    ]);
  });

  it('keeps a zero-width joiner or non-joiner in its Arabic word, which the Arabic face shapes with', () => {
    // Persian writes "mi-khaham" with a non-joiner inside the word; set in the Latin face it was a box.
    expect(runs('می\u200cخواهم')).toEqual([{ text: 'می\u200cخواهم', script: 'arabic' }]);
    expect(runs('ع\u200d')).toEqual([{ text: 'ع\u200d', script: 'arabic' }]);
  });

  it('leaves out a joiner outside Arabic, which neither the Hebrew nor the Latin face can draw', () => {
    expect(runs('שלום\u200dעולם a\u200cb')).toEqual([
      { text: 'ab', script: 'base' },
      { text: ' ', script: 'base' },
      { text: 'שלוםעולם', script: 'hebrew' },
    ]);
  });

  it('sets Thai and Devanagari in their faces, a phrase in one run, digits and Latin in the base one', () => {
    expect(needsScriptLayout('บริษัท สยาม จำกัด')).toBe(true);
    expect(needsScriptLayout('भारत लिमिटेड')).toBe(true);
    expect(runs('Acme บริษัท สยาม 10110')).toEqual([
      { text: 'Acme ', script: 'base' },
      { text: 'บริษัท สยาม', script: 'thai' },
      { text: ' 10110', script: 'base' },
    ]);
    expect(runs('भारत प्राइवेट, मुंबई 400001')).toEqual([
      { text: 'भारत प्राइवेट', script: 'devanagari' },
      { text: ', ', script: 'base' },
      { text: 'मुंबई', script: 'devanagari' },
      { text: ' 400001', script: 'base' },
    ]);
  });

  it('keeps a joiner in a Devanagari word, where it asks for a half form', () => {
    expect(runs('क्\u200dष')).toEqual([{ text: 'क्\u200dष', script: 'devanagari' }]);
  });

  it('orders one line of a paragraph by the paragraph’s direction, without direction marks', () => {
    const text = 'שלום עולם Acme';
    const levels = paragraphLevels(text);
    expect(visualRuns(text, levels, 10, 14)).toEqual([{ text: 'Acme', script: 'base' }]);
    expect(visualRuns('\u200fAcme', paragraphLevels('\u200fAcme'))).toEqual([
      { text: 'Acme', script: 'base' },
    ]);
  });
});
