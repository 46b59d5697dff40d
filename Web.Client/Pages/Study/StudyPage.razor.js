// Plays the trial's sound from the start; a button press is a user gesture, so browsers allow it.
export function play(audio) {
  audio.currentTime = 0;
  return audio.play();
}
