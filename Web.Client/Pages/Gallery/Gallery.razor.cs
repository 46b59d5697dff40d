using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;

namespace Clap2Diffusion.Client.Pages.Gallery;

/// <summary>
/// Every finished generation, newest first. Rows are virtualised and fetched a window at a time from the
/// store, so the page stays quick with thousands of items.
/// </summary>
public partial class Gallery
{
    /// <summary>Fixed row height in pixels; Virtualize needs it to place rows it has not fetched.</summary>
    public const float RowHeight = 112;

    private Virtualize<GalleryItem>? _list;
    private string? _text;
    private PromptAudioRelation? _relation;
    private GallerySort _sort = GallerySort.Newest;
    private bool _mineOnly;
    private bool _pairsOnly;
    private int? _total;
    private string? _clientId;

    [Inject] private IGalleryStore Store { get; set; } = default!;

    [Inject] private ICurrentClient CurrentClient { get; set; } = default!;

    private string CountText => _total switch
    {
        null => "",
        1 => "1 generation",
        var n => $"{n:N0} generations",
    };

    public GalleryQuery Query => new(_text, _relation, _mineOnly, _pairsOnly, _sort);

    private bool Unfiltered => string.IsNullOrWhiteSpace(_text) && _relation is null && !_mineOnly && !_pairsOnly;

    private async ValueTask<ItemsProviderResult<GalleryItem>> LoadAsync(ItemsProviderRequest request)
    {
        _clientId ??= await CurrentClient.GetIdAsync();
        var page = await Store.QueryAsync(Query, _clientId, request.StartIndex, request.Count, request.CancellationToken);
        if (_total != page.Total)
        {
            _total = page.Total;
            StateHasChanged();
        }

        return new ItemsProviderResult<GalleryItem>(page.Items, page.Total);
    }

    private async Task RefreshAsync()
    {
        if (_list is not null)
            await _list.RefreshDataAsync();
    }
}
