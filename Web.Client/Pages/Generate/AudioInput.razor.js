// The studio's sound input: choose, drop or record a clip, decode it with the Web Audio API (so any format
// the browser plays works), resample to 48 kHz mono, draw it, and upload it as 16-bit PCM WAV.
const RATE = 48000;
const MAX_DECODE_BYTES = 200 * 1024 * 1024;
const instances = new WeakMap();

export function attach(root, dotnet, options) {
  const zone = root.querySelector('[data-role=drop-zone]');
  const input = root.querySelector('[data-role=file-input]');
  const abort = new AbortController();
  const signal = abort.signal;
  instances.set(root, { dotnet, options, abort, recorder: null, objectUrl: null, stopTimer: 0 });

  zone.addEventListener('click', () => input.click(), { signal });
  zone.addEventListener('keydown', e => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      input.click();
    }
  }, { signal });
  zone.addEventListener('dragover', e => {
    e.preventDefault();
    zone.classList.add('dragging');
  }, { signal });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'), { signal });
  zone.addEventListener('drop', e => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) accept(root, file, file.name);
  }, { signal });
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    input.value = '';
    if (file) accept(root, file, file.name);
  }, { signal });
  // Tells people and page tests alike that the input is live (the page is interactive).
  root.setAttribute('data-ready', 'true');
}

export function detach(root) {
  const state = instances.get(root);
  if (!state) return;
  state.abort.abort();
  if (state.recorder && state.recorder.state === 'recording') state.recorder.stop();
  if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
  instances.delete(root);
}

export async function show(root, url) {
  const player = root.querySelector('[data-role=player]');
  player.src = url;
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    const { mono } = await decodeToMono(await response.arrayBuffer(), Number.MAX_SAFE_INTEGER);
    draw(root, mono);
  } catch {
    draw(root, new Float32Array(0));
  }
}

export function clear(root) {
  const state = instances.get(root);
  const player = root.querySelector('[data-role=player]');
  player.removeAttribute('src');
  player.load();
  if (state && state.objectUrl) {
    URL.revokeObjectURL(state.objectUrl);
    state.objectUrl = null;
  }
  draw(root, new Float32Array(0));
}

export async function record(root) {
  const state = instances.get(root);
  if (!state) return;
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    await tell(state, 'OnProblem', 'Recording needs a secure page: open the studio over https, or on localhost.');
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    await tell(state, 'OnProblem', `The microphone is not available (${error.message}).`);
    return;
  }
  const chunks = [];
  const recorder = new MediaRecorder(stream);
  recorder.ondataavailable = e => { if (e.data.size > 0) chunks.push(e.data); };
  recorder.onstop = async () => {
    clearTimeout(state.stopTimer);
    stream.getTracks().forEach(track => track.stop());
    state.recorder = null;
    await tell(state, 'OnRecording', false);
    await accept(root, new Blob(chunks, { type: recorder.mimeType }), 'recording.wav');
  };
  state.recorder = recorder;
  recorder.start();
  state.stopTimer = setTimeout(() => stop(root), state.options.maxSeconds * 1000);
  await tell(state, 'OnRecording', true);
  await tell(state, 'OnStatus', 'Recording…');
}

export function stop(root) {
  const state = instances.get(root);
  if (state && state.recorder && state.recorder.state === 'recording') state.recorder.stop();
}

async function accept(root, blob, name) {
  const state = instances.get(root);
  if (!state) return;
  if (blob.size > MAX_DECODE_BYTES) {
    await tell(state, 'OnProblem', `"${name}" is too large to convert in the browser; choose a shorter clip.`);
    return;
  }
  await tell(state, 'OnStatus', 'Decoding…');
  let decoded;
  try {
    decoded = await decodeToMono(await blob.arrayBuffer(), state.options.maxSeconds);
  } catch {
    await tell(state, 'OnProblem',
      `Your browser could not decode "${name}" as audio. Choose a sound file it can play (WAV, MP3, OGG, FLAC, M4A…).`);
    return;
  }
  const wav = encodeWav(decoded.mono);
  draw(root, decoded.mono);
  const player = root.querySelector('[data-role=player]');
  if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
  state.objectUrl = URL.createObjectURL(wav);
  player.src = state.objectUrl;

  await tell(state, 'OnStatus', 'Uploading…');
  const form = new FormData();
  form.append('audio', wav, name.replace(/\.[^.]*$/, '') + '.wav');
  let response;
  try {
    response = await fetch(new URL('api/uploads', document.baseURI), {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { 'X-Requested-With': 'c2d-studio' },
    });
  } catch (error) {
    await tell(state, 'OnProblem', `The upload failed: ${error.message}.`);
    return;
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    await tell(state, 'OnProblem', (problem && problem.detail) || `The upload failed (HTTP ${response.status}).`);
    return;
  }
  await tell(state, 'OnUploaded', await response.json());
  await tell(state, 'OnStatus', decoded.trimmed ? `Trimmed to the first ${state.options.maxSeconds} s.` : 'Ready.');
}

async function decodeToMono(bytes, maxSeconds) {
  // decodeAudioData resamples to the context's rate, so a one-frame offline context is enough.
  const context = new OfflineAudioContext(1, 1, RATE);
  const buffer = await context.decodeAudioData(bytes);
  const frames = Math.min(buffer.length, Math.floor(maxSeconds * RATE));
  if (frames === 0) throw new Error('no samples');
  const mono = new Float32Array(frames);
  for (let channel = 0; channel < buffer.numberOfChannels; channel++) {
    const data = buffer.getChannelData(channel);
    for (let i = 0; i < frames; i++) mono[i] += data[i] / buffer.numberOfChannels;
  }
  return { mono, trimmed: buffer.length > frames };
}

function encodeWav(mono) {
  const bytes = new ArrayBuffer(44 + mono.length * 2);
  const view = new DataView(bytes);
  const text = (offset, value) => { for (let i = 0; i < value.length; i++) view.setUint8(offset + i, value.charCodeAt(i)); };
  text(0, 'RIFF');
  view.setUint32(4, 36 + mono.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, mono.length * 2, true);
  for (let i = 0; i < mono.length; i++) {
    const s = Math.max(-1, Math.min(1, mono[i]));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([bytes], { type: 'audio/wav' });
}

function draw(root, mono) {
  const canvas = root.querySelector('[data-role=waveform]');
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.floor(canvas.clientWidth * ratio));
  canvas.height = Math.max(1, Math.floor(canvas.clientHeight * ratio));
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (mono.length === 0) return;
  g.fillStyle = getComputedStyle(root).getPropertyValue('--mud-palette-primary') || '#594ae2';
  const middle = canvas.height / 2;
  const perColumn = Math.max(1, Math.floor(mono.length / canvas.width));
  for (let x = 0; x < canvas.width; x++) {
    let low = 0;
    let high = 0;
    const start = x * perColumn;
    for (let i = start; i < Math.min(mono.length, start + perColumn); i++) {
      if (mono[i] < low) low = mono[i];
      if (mono[i] > high) high = mono[i];
    }
    g.fillRect(x, middle - high * middle, 1, Math.max(1, (high - low) * middle));
  }
}

async function tell(state, method, value) {
  try {
    await state.dotnet.invokeMethodAsync(method, value);
  } catch {
    // The circuit went away while the browser was still working; nobody is listening any more.
  }
}
