using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Generate;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>LoRA files offered by the server: the library, the start-up check of its roots, and the submission check.</summary>
public sealed class LoraChoiceTests
{
    [Fact]
    public void The_library_lists_safetensors_files_under_its_roots_by_relative_name_and_resolves_only_those()
    {
        using var root = new TempFolder("lora-root");
        Directory.CreateDirectory(root.File("styles"));
        File.WriteAllBytes(root.File("styles/ink.safetensors"), [0]);
        File.WriteAllBytes(root.File("watercolour.safetensors"), [0]);
        File.WriteAllBytes(root.File("notes.txt"), [0]);
        var library = new LoraLibrary(Options.Create(new ModelOptions { LoraRoots = [root.Path] }),
            new HostingEnvironment { ContentRootPath = root.Path });

        Assert.Equal(["styles/ink.safetensors", "watercolour.safetensors"], library.Names);
        Assert.Equal(root.File("styles/ink.safetensors"), library.Resolve("styles/ink.safetensors"));
        Assert.Null(library.Resolve("../elsewhere.safetensors"));
        Assert.Null(library.Resolve("notes.txt"));
    }

    [Fact]
    public void A_missing_lora_root_fails_validation_naming_the_key_and_the_folder()
    {
        var options = new ModelOptions { LoraRoots = ["/nonexistent/loras"] };

        var results = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        var message = Assert.Single(results).ErrorMessage!;
        Assert.Contains("Models:LoraRoots", message);
        Assert.Contains("/nonexistent/loras", message);
    }

    [Fact]
    public void A_job_may_only_name_the_servers_lora_files_at_a_bounded_scale()
    {
        var settings = new GenerationSettings { Prompt = "a dog", Loras = [new LoraChoice("ink.safetensors", 0.7)] };

        Assert.Empty(GenerationLimits.Default.Check(settings, ["ddim"], ["ink.safetensors"]));
        Assert.Contains(GenerationLimits.Default.Check(settings, ["ddim"], ["other.safetensors"]), p => p.Contains("'ink.safetensors'"));
        Assert.Contains(GenerationLimits.Default.Check(settings with { Loras = [new LoraChoice("ink.safetensors", 50)] }, ["ddim"], ["ink.safetensors"]),
            p => p.Contains("scale"));
    }

    [Fact]
    public void The_studio_form_sends_its_chosen_loras_at_one_scale_and_none_when_nothing_is_chosen()
    {
        var form = GenerationForm.From(new GenerationSettings());
        Assert.Null(form.ToSettings(null).Loras);

        form.Loras = ["ink.safetensors", "styles/wash.safetensors"];
        form.LoraScale = 0.5;

        Assert.Equal([new LoraChoice("ink.safetensors", 0.5), new LoraChoice("styles/wash.safetensors", 0.5)], form.ToSettings(null).Loras!);
    }
}
