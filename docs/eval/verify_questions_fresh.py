#!/usr/bin/env python3
"""Verify questions-fresh.jsonl against the eval corpus.

Checks: exact field set, ids, lang, kind names, municipality is one named in a
local routine's front matter, and that every expect (doc, heading) pair exists
character for character in /work/shared/eval/corpus (heading = text after the
leading #s, trimmed; ## and ### both start sections). Also flags anything that
looks like a personal identity number and phone numbers not found in the corpus.
Usage: python3 verify_questions_fresh.py [questions.jsonl] [corpus_dir]
"""
import collections, glob, json, os, re, sys, tomllib

qpath = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'questions-fresh.jsonl')
cdir = sys.argv[2] if len(sys.argv) > 2 else '/work/shared/eval/corpus'

sections, munis, corpus_text = set(), set(), ''
for f in sorted(glob.glob(os.path.join(cdir, '*.md'))):
    txt = open(f, encoding='utf-8').read()
    corpus_text += txt
    m = re.match(r'\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z', txt, re.S)
    fm, body = tomllib.loads(m.group(1)), m.group(2)
    did = fm.get('id') or os.path.splitext(os.path.basename(f))[0]
    munis.update(fm.get('municipalities', []))
    pre = []
    for line in body.split('\n'):
        hm = re.match(r'^#{2,3}\s+(.*\S)\s*$', line)
        if hm:
            sections.add((did, hm.group(1).strip()))
        elif not any(d == did for d, _ in sections) and line.strip():
            pre.append(line)
    if pre:
        sections.add((did, fm['title']))

KINDS = {'colloquial', 'long', 'english', 'paraphrase', 'compound', 'local', 'danger', 'none'}
FIELDS = ['id', 'q', 'lang', 'municipality', 'expect', 'kind']
errors, ids, qs = [], set(), set()
by_kind, by_lang, empty, n = collections.Counter(), collections.Counter(), 0, 0
corpus_phones = set(re.sub(r'\D', '', p) for p in re.findall(r'\b0\d{1,3}-[\d ]{5,9}\d|\b11[24] ?\d{0,2}\b|\b116 006\b', corpus_text))
for ln, line in enumerate(open(qpath, encoding='utf-8'), 1):
    if not line.strip():
        continue
    n += 1
    o = json.loads(line)
    if list(o.keys()) != FIELDS: errors.append(f'line {ln}: fields {list(o.keys())}')
    if not re.fullmatch(r'f\d{3}', o['id']) or o['id'] in ids: errors.append(f'line {ln}: bad/duplicate id {o["id"]}')
    ids.add(o['id'])
    if o['q'] in qs: errors.append(f'{o["id"]}: duplicate question')
    qs.add(o['q'])
    if o['lang'] not in ('sv', 'en'): errors.append(f'{o["id"]}: lang {o["lang"]}')
    if o['kind'] not in KINDS: errors.append(f'{o["id"]}: kind {o["kind"]}')
    if o['municipality'] is not None and o['municipality'] not in munis: errors.append(f'{o["id"]}: municipality {o["municipality"]!r} not in corpus {sorted(munis)}')
    if o['kind'] == 'local' and o['municipality'] is None: errors.append(f'{o["id"]}: local without municipality')
    if o['kind'] == 'none' and o['expect']: errors.append(f'{o["id"]}: kind none with non-empty expect')
    seen = set()
    for e in o['expect']:
        if set(e) != {'doc', 'heading'}: errors.append(f'{o["id"]}: expect entry keys {list(e)}')
        k = (e.get('doc'), e.get('heading'))
        if k in seen: errors.append(f'{o["id"]}: duplicate expect {k}')
        seen.add(k)
        if k not in sections: errors.append(f'{o["id"]}: NOT IN CORPUS {k}')
    if re.search(r'\b\d{6,8}[-+]?\d{4}\b', o['q']): errors.append(f'{o["id"]}: looks like a personal identity number')
    for p in re.findall(r'\b0\d{1,3}[- ]?\d[\d -]{4,}\d', o['q']):
        if re.sub(r'\D', '', p) not in corpus_phones: errors.append(f'{o["id"]}: phone number {p!r} not from corpus')
    by_kind[o['kind']] += 1; by_lang[o['lang']] += 1; empty += not o['expect']

print(f'{n} questions; {len(sections)} sections in corpus; municipalities in corpus: {sorted(munis)}')
print('per kind:', dict(sorted(by_kind.items())))
print('per lang:', dict(sorted(by_lang.items())))
print('empty expect:', empty)
if errors:
    print(f'{len(errors)} PROBLEM(S):'); [print('  ' + e) for e in errors]; sys.exit(1)
print('OK: every (doc, heading) pair exists in the corpus; no problems found')
