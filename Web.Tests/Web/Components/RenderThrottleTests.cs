using Clap2Diffusion.Client.Components;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class RenderThrottleTests
{
    [Fact]
    public async Task A_burst_renders_once_at_once_and_once_more_at_the_end()
    {
        var renders = 0;
        using var throttle = new RenderThrottle(TimeSpan.FromMilliseconds(200), () =>
        {
            Interlocked.Increment(ref renders);
            return Task.CompletedTask;
        });

        var requests = Enumerable.Range(0, 50).Select(_ => throttle.RequestAsync()).ToList();
        Assert.Equal(1, renders);
        await Task.WhenAll(requests);

        Assert.Equal(2, renders);
    }

    [Fact]
    public async Task Immediate_requests_always_render()
    {
        var renders = 0;
        using var throttle = new RenderThrottle(TimeSpan.FromSeconds(10), () =>
        {
            renders++;
            return Task.CompletedTask;
        });

        await throttle.RequestAsync();
        await throttle.RequestAsync(immediate: true);
        await throttle.RequestAsync(immediate: true);

        Assert.Equal(3, renders);
    }

    [Fact]
    public async Task Nothing_renders_after_disposal()
    {
        var renders = 0;
        var throttle = new RenderThrottle(TimeSpan.FromMilliseconds(50), () =>
        {
            renders++;
            return Task.CompletedTask;
        });
        await throttle.RequestAsync();
        var trailing = throttle.RequestAsync();
        throttle.Dispose();
        await trailing;

        Assert.Equal(1, renders);
    }
}
