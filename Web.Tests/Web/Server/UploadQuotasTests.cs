using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Uploads;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>The day's upload budgets on their own, with a clock the test moves.</summary>
public sealed class UploadQuotasTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock _clock = new();

    private UploadQuotas Quotas() => new(Options.Create(new StorageOptions
    {
        UploadBytesPerClientPerDay = 1_000_000,
        UploadBytesPerAddressPerDay = 5_000_000,
    }), _clock);

    [Fact]
    public void A_budget_frees_a_day_after_what_filled_it()
    {
        var quotas = Quotas();
        quotas.Reserve("a", null, 600_000).Keep();

        Assert.Equal(429, Assert.Throws<UploadRejectedException>(() => quotas.Reserve("a", null, 600_000)).StatusCode);
        _clock.Now += TimeSpan.FromHours(23);
        Assert.Contains("in about 1 h", Assert.Throws<UploadRejectedException>(() => quotas.Reserve("a", null, 600_000)).Message);
        _clock.Now += TimeSpan.FromHours(1);
        quotas.Reserve("a", null, 600_000).Keep();
    }

    [Fact]
    public void A_reservation_not_kept_gives_its_bytes_back()
    {
        var quotas = Quotas();
        using (quotas.Reserve("a", "203.0.113.1", 900_000))
        {
            // storing failed: nothing kept
        }

        quotas.Reserve("a", "203.0.113.1", 900_000).Keep();
    }

    [Fact]
    public void Ids_that_stored_nothing_for_a_day_are_forgotten()
    {
        var quotas = Quotas();
        for (var i = 0; i < 999; i++)
            quotas.Reserve($"visitor-{i}", null, 1_000).Keep();
        Assert.Equal(999, quotas.Tracked);

        _clock.Now += TimeSpan.FromDays(1);
        quotas.Reserve("late", null, 1_000).Keep();

        Assert.Equal(1, quotas.Tracked);
    }
}
