using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace Clap2Diffusion.Client.Pages.Generate;

/// <summary>
/// The starting image of an edit: a file the visitor chooses (sent through the circuit within the server's image
/// limit) or one the studio brought from the gallery. The server checks and crops it; the preview shows the stored
/// crop, so what is seen is what the engine starts from.
/// </summary>
public partial class EditImageInput
{
    private bool _busy;

    [Inject] private IEditImages EditImages { get; set; } = default!;

    [Parameter] public PreparedImage? Image { get; set; }

    [Parameter] public EventCallback<PreparedImage?> ImageChanged { get; set; }

    [Parameter] public double Strength { get; set; } = EditStrength.Default;

    [Parameter] public EventCallback<double> StrengthChanged { get; set; }

    [Parameter] public int Width { get; set; }

    [Parameter] public int Height { get; set; }

    /// <summary>Why the image could not be used (from this component or from the studio); null when it can.</summary>
    [Parameter] public string? Problem { get; set; }

    [Parameter] public EventCallback<string?> ProblemChanged { get; set; }

    private string StrengthMeaning => Strength switch
    {
        < 0.35 => "keeps the image, touches details",
        < 0.75 => "keeps the layout, redraws the look",
        _ => "keeps little of the image",
    };

    private async Task ChosenAsync(InputFileChangeEventArgs args)
    {
        _busy = true;
        await ProblemChanged.InvokeAsync(null);
        try
        {
            var file = args.File;
            if (file.Size > EditImages.MaxBytes)
            {
                await ProblemChanged.InvokeAsync($"The image is larger than the {EditImages.MaxBytes / 1e6:0.#} MB this server accepts.");
                return;
            }

            await using var stream = file.OpenReadStream(EditImages.MaxBytes);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            var prepared = await EditImages.PrepareAsync(buffer.ToArray(), Width, Height);
            if (prepared.Image is { } image)
                await ImageChanged.InvokeAsync(image);
            else
                await ProblemChanged.InvokeAsync(prepared.Problem);
        }
        finally
        {
            _busy = false;
        }
    }
}
