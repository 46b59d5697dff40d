using Bunit;
using Clap2Diffusion.Client.Contracts;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Clap2Diffusion.Tests.Web.Components;

/// <summary>
/// A bUnit context with MudBlazor, loose JS interop and the fake contracts registered. MudBlazor's services
/// can only be disposed asynchronously, so xUnit disposes the context through <see cref="IAsyncLifetime"/> first.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IJobQueue>(Queue);
        Services.AddSingleton<IJobEvents>(Events);
        Services.AddSingleton<IGalleryStore>(Gallery);
        Services.AddSingleton<ICurrentClient>(new FakeCurrentClient());
        Services.AddSingleton<IEngineActivity>(Activity);
        Services.AddSingleton<IExampleSounds>(Examples);
        Services.AddSingleton<IEditImages>(EditImages);
        AddServices(Services);
        Render<MudPopoverProvider>();
    }

    /// <summary>More services for one test class; called before anything renders (derived field initialisers have run).</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    protected FakeJobQueue Queue { get; } = new();

    protected FakeJobEvents Events { get; } = new();

    protected FakeGallery Gallery { get; } = new();

    protected FakeEngineActivity Activity { get; } = new();

    protected FakeExamples Examples { get; } = new();

    protected FakeEditImages EditImages { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
