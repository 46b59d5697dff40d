#!/usr/bin/env python3
"""Reads a demo-world evaluation's report.json and counts, on the contradictory cases, how often each variant's
image shows the element the prompt names (on the level the prompt names it) and how often the audio's element on
that level instead. The report's accuracies hold contradictory cases to the audio's element, which is the opposite
of what the composition strategy aims at, so this is the view of the same images from the prompt's side.

usage: scripts/contradictory-prompt-element.py REPORT_FOLDER/report.json
"""
import json
import sys

# The demo world's scene elements and their levels (Web.Engine/Demo/World/DemoVocabulary.cs).
LEVELS = {"barking": "foreground", "bell": "foreground", "chirping": "foreground", "engine": "background",
          "chatter": "background", "rain": "ambience", "wind": "ambience", "waves": "ambience"}

report = json.load(open(sys.argv[1], encoding="utf-8"))
counts = {}
for case in report["cases"]:
    if case["relation"] != "contradictory":
        continue
    named = [word for word in case["prompt"].replace(",", " ").split() if word in LEVELS]
    if len(named) != 1:
        continue
    element = named[0]
    level = LEVELS[element]
    for image in case["images"]:
        seen = image["predicted"][level]
        row = counts.setdefault(image["variant"], [0, 0, 0])
        row[0] += 1
        row[1] += seen == element
        row[2] += seen == case["audio_scene"][level]

print("| variant | contradictory cases | the prompt's element drawn | the audio's element drawn |")
print("|---|---|---|---|")
for variant, (n, prompt, audio) in counts.items():
    print(f"| {variant} | {n} | {prompt} ({100 * prompt / n:.0f}%) | {audio} ({100 * audio / n:.0f}%) |")
