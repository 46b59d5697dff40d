using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Clap2Diffusion.LoadTest;
using Clap2Diffusion.Tests.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class UploadTests : IAsyncLifetime
{
    private readonly TempFolder _data = new("uploads");
    private StudioFactory _factory = default!;

    public async Task InitializeAsync() =>
        _factory = await new StudioFactory(_data.Path, new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Storage:MaxAudioBytes"] = "100000", ["Storage:MaxAudioSeconds"] = "1" }).ReadyAsync();

    [Theory]
    [InlineData("renamed text", "this is a text file, not audio")]
    [InlineData("truncated", "truncated")]
    [InlineData("over the size limit", "larger than the 0.1 MB")]
    [InlineData("too long", "longer than the 1 s limit")]
    public async Task A_bad_upload_gets_a_clear_message_and_changes_nothing(string kind, string message)
    {
        var bytes = kind switch
        {
            "renamed text" => Wav.RenamedText(),
            "truncated" => Wav.Truncated(),
            "over the size limit" => Wav.Tone(1.5),
            _ => Wav.Tone(1.02),
        };
        var client = _factory.ClientFor("uploader-bad");

        using var response = await UploadAsync(client, bytes, "clip.wav");
        Assert.Equal(kind == "over the size limit" ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.ProblemAsync()).GetProperty("detail").GetString());

        using var submitted = await client.SubmitAsync("a dog", bytes);
        Assert.Contains(message, (await submitted.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(0, await _factory.DbAsync(db => db.Uploads.CountAsync()));
        Assert.Equal(0, await _factory.DbAsync(db => db.Contents.CountAsync()));
        Assert.Equal(0, await _factory.DbAsync(db => db.Jobs.CountAsync()));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_clip_is_stored_once_by_content_and_owned_per_client()
    {
        var bytes = Wav.Tone(0.5);
        var first = await ClipAsync(_factory.ClientFor("uploader-a"), bytes);
        var again = await ClipAsync(_factory.ClientFor("uploader-a"), bytes);
        var other = await ClipAsync(_factory.ClientFor("uploader-b"), bytes);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.NotEqual(first.GetProperty("id").GetGuid(), other.GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("url").GetString(), other.GetProperty("url").GetString());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*.wav", SearchOption.AllDirectories));
        Assert.Equal(0.5, first.GetProperty("durationSeconds").GetDouble(), 3);
        Assert.Equal(48_000, first.GetProperty("sampleRate").GetInt32());
    }

    [Fact]
    public async Task A_6_kHz_16_bit_wav_is_accepted_as_the_engine_reads_it()
    {
        // Telephone-grade recordings are 6 to 8 kHz; the engine decodes them (and resamples for CLAP), so uploads must too.
        var clip = await ClipAsync(_factory.ClientFor("uploader-6k"), ToneWav.Make(0.5, rate: 6_000), "phone.wav");

        Assert.Equal(6_000, clip.GetProperty("sampleRate").GetInt32());
        Assert.Equal(0.5, clip.GetProperty("durationSeconds").GetDouble(), 3);
        var stored = Assert.Single(Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*.wav", SearchOption.AllDirectories));
        var decoded = Clap2Diffusion.Engine.Audio.AudioDecoder.DecodeFile(stored);
        Assert.Equal((6_000, 3_000), (decoded.SampleRate, decoded.Samples.Length));
    }

    [Fact]
    public async Task A_stereo_wav_is_stored_as_the_mono_clip_the_decoder_made()
    {
        var stereo = Clap2Diffusion.Engine.Audio.WavWriter.Encode(Enumerable.Range(0, 9_600).Select(i => (float)Math.Sin(i / 10.0) * 0.25f).ToArray(),
            48_000, channels: 2);

        var clip = await ClipAsync(_factory.ClientFor("uploader-stereo"), stereo, "stereo.wav");

        Assert.Equal(2, clip.GetProperty("channels").GetInt32());
        Assert.Equal(0.1, clip.GetProperty("durationSeconds").GetDouble(), 3);
        var stored = Assert.Single(Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*.wav", SearchOption.AllDirectories));
        var header = Clap2Diffusion.Engine.Audio.AudioDecoder.DecodeFile(stored).Source;
        Assert.Equal((1, 16), (header.Channels, header.BitsPerSample));
    }

    [Fact]
    public async Task A_small_flac_of_384_khz_silence_is_stored_at_48_khz_and_held_to_the_size_limit()
    {
        var flac = Path.Combine(_data.Path, "silence-384k.flac");
        // No dither, so the silence is exact and FLAC packs 59 s of it into a few tens of kilobytes.
        ExternalAudioTools.Sox("-D", "-n", "-r", "384000", "-c", "1", "-b", "16", flac, "trim", "0", "59");
        var bytes = await File.ReadAllBytesAsync(flac);
        Assert.InRange(bytes.Length, 1, 100_000);

        await using var roomy = await new StudioFactory(Path.Combine(_data.Path, "roomy"), new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Storage:MaxAudioSeconds"] = "60", ["Storage:MaxAudioBytes"] = "6000000" }).ReadyAsync();
        var clip = await ClipAsync(roomy.ClientFor("uploader-384k"), bytes, "silence.flac");
        Assert.Equal(48_000, clip.GetProperty("sampleRate").GetInt32());
        var stored = Assert.Single(Directory.EnumerateFiles(Path.Combine(roomy.DataFolder, "content"), "*.wav", SearchOption.AllDirectories));
        Assert.Equal(44 + 59 * 48_000 * 2, new FileInfo(stored).Length);

        await using var tight = await new StudioFactory(Path.Combine(_data.Path, "tight"), new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Storage:MaxAudioSeconds"] = "60", ["Storage:MaxAudioBytes"] = "1000000" }).ReadyAsync();
        using var refused = await UploadAsync(tight.ClientFor("uploader-384k"), bytes, "silence.flac");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("Decoded, this clip would take 5.66 MB", (await refused.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(tight.DataFolder, "content"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_client_and_an_address_each_have_a_days_upload_budget_whatever_ids_they_use()
    {
        // 1.2 MB a client and 2 MB an address; a 6 s clip stores 576 KB once decoded.
        var settings = new Dictionary<string, string?>(StudioFactory.NoExemptions)
        {
            ["Storage:UploadBytesPerClientPerDay"] = "1200000",
            ["Storage:UploadBytesPerAddressPerDay"] = "2000000",
        };
        await using var budgeted = await new StudioFactory(Path.Combine(_data.Path, "budget"), new TestGenerationBackend(), settings).ReadyAsync();
        var first = budgeted.ClientFor("uploader-budget-1");
        await ClipAsync(first, ToneWav.Make(6, rate: 48_000));
        await ClipAsync(first, ToneWav.Make(6.01, rate: 48_000));

        using var third = await UploadAsync(first, ToneWav.Make(6.02, rate: 48_000), "third.wav");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("would take your uploads past 1.2 MB in a day", (await third.ProblemAsync()).GetProperty("detail").GetString());

        // A fresh id from the same address gets one more clip, then meets the address's budget.
        var second = budgeted.ClientFor("uploader-budget-2");
        await ClipAsync(second, ToneWav.Make(6.03, rate: 48_000));
        using var refused = await UploadAsync(second, ToneWav.Make(6.04, rate: 48_000), "fourth.wav");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("would take uploads from your network address past 2 MB in a day", (await refused.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(3, await budgeted.DbAsync(db => db.Uploads.CountAsync()));
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\win.ini", "win.ini")]
    [InlineData("<script>alert(1)</script>.wav", "script_.wav")]
    [InlineData("...", "clip.wav")]
    [InlineData("evil\u202Egnp.wav", "evil_gnp.wav")]
    public async Task Hostile_file_names_never_reach_the_disk_or_the_page(string name, string expectedEnding)
    {
        var clip = await ClipAsync(_factory.ClientFor("uploader-names"), Wav.Tone(0.25), name);
        var stored = clip.GetProperty("fileName").GetString()!;

        Assert.EndsWith(expectedEnding, stored);
        Assert.DoesNotContain('/', stored);
        Assert.DoesNotContain('\\', stored);
        Assert.DoesNotContain('<', stored);
        var file = Assert.Single(Directory.EnumerateFiles(Path.Combine(_data.Path, "content"), "*", SearchOption.AllDirectories));
        Assert.Matches("^[0-9a-f]{64}\\.wav$", Path.GetFileName(file));
    }

    [Fact]
    public async Task A_clip_of_someone_else_cannot_be_used_by_id()
    {
        var clip = await ClipAsync(_factory.ClientFor("uploader-owner"), Wav.Tone(0.25));
        using var response = await _factory.ClientFor("uploader-thief").SubmitAsync("a dog",
            fields: new Dictionary<string, string> { ["audioUploadId"] = clip.GetProperty("id").GetString()! });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not found among your uploads", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Uploads_are_refused_once_the_store_reaches_its_quota()
    {
        await using var small = await new StudioFactory(Path.Combine(_data.Path, "small"), new TestGenerationBackend(),
            new Dictionary<string, string?> { ["Storage:QuotaBytes"] = "1048576" }).ReadyAsync();
        var client = small.ClientFor("uploader-quota");
        await ClipAsync(client, Wav.Tone(6));

        using var refused = await UploadAsync(client, Wav.Tone(6.5), "more.wav");
        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Contains("storage is full", (await refused.ProblemAsync()).GetProperty("detail").GetString());
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "audio", name);
        return await client.PostAsync("/api/uploads", form);
    }

    private static async Task<JsonElement> ClipAsync(HttpClient client, byte[] bytes, string name = "clip.wav")
    {
        using var response = await UploadAsync(client, bytes, name);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
