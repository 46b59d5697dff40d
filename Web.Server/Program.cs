using Clap2Diffusion.Server.Accounts;
using Clap2Diffusion.Server.Api;
using Clap2Diffusion.Server.Backup;
using Clap2Diffusion.Server.Components;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.DemoWorld;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Examples;
using Clap2Diffusion.Server.Gallery;
using Clap2Diffusion.Server.Health;
using Clap2Diffusion.Server.Hubs;
using Clap2Diffusion.Server.Identity;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Server.Network;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Runs;
using Clap2Diffusion.Server.Study;
using Clap2Diffusion.Server.Uploads;
using Clap2Diffusion.Server.Workers;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(BackupCommand.HostArguments(CreateAdminCommand.HostArguments(args)));

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddNetwork();
builder.Services.AddClientIdentity();
builder.Services.AddPersistence();
builder.Services.AddContent();
builder.Services.AddAccounts();
builder.Services.AddUploads();
builder.Services.AddExamples();
builder.Services.AddGallery();
builder.Services.AddEngine();
builder.Services.AddJobs();
builder.Services.AddEngineWorkers();
builder.Services.AddModels();
builder.Services.AddRuns();
builder.Services.AddDemoWorld();
builder.Services.AddStudy();
builder.Services.AddEngineHub();
builder.Services.AddStudioApi();
builder.Services.AddStudioHealthChecks();

var app = builder.Build();

if (CreateAdminCommand.Matches(args))
    return await CreateAdminCommand.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
if (BackupCommand.Matches(args))
    return await BackupCommand.RunAsync(app.Services, args, Console.Out, Console.Error);

app.UseNetwork();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);

app.UseClientIdentity();
app.UseAccounts();
app.UseAntiforgery();
app.UseRateLimiter();
app.MapStaticAssets();
app.MapStudioHealthChecks();
app.MapStudioApi();
app.MapWorkerEndpoints().MapAdminWorkerEndpoints();
app.MapExamples();
app.MapAccountEndpoints();
app.MapStudyEndpoints();
app.MapRunEndpoints();
app.MapEngineHub();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .AddAdditionalAssemblies(typeof(Clap2Diffusion.Client.Routes).Assembly)
    .LimitStudyJoins()
    .LimitSignIns();

app.Run();
return 0;

/// <summary>Entry point; public so WebApplicationFactory-based tests can reach it.</summary>
public partial class Program;
