using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.PlatformOrders;
using Shelfbook.Channels.Features.Quarantine;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Channels.Features.ManageConnections;

internal static class ChannelEndpoints
{
    public static void Map(IEndpointRouteBuilder channels)
    {
        var shops = channels.MapGroup("/shops").WithTags("Shop connections 店铺授权与同步");
        shops.MapGet("/", (string? after, int? limit, ManageConnections handler, CancellationToken ct) => handler.ListAsync(PageRequest.From(after, limit), ct))
            .WithSummary("Shops with their platform link and sync status (credentials are never returned)")
            .RequirePermission(ChannelsPermissions.View);
        shops.MapGet("/{id:guid}", (Guid id, ManageConnections handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One shop's platform link")
            .RequirePermission(ChannelsPermissions.View);
        shops.MapGet("/{id:guid}/runs", (Guid id, int? limit, ManageConnections handler, CancellationToken ct) => handler.RunsAsync(id, limit, ct))
            .WithSummary("The shop's recent sync runs (同步日志): windows, pages, orders, throttling, how each ended")
            .RequirePermission(ChannelsPermissions.View);
        shops.MapPut("/{id:guid}/credentials", (Guid id, CredentialsInput input, ManageConnections handler, CancellationToken ct) => handler.SetCredentialsAsync(id, input, ct))
            .WithSummary("Set the shop's credentials (encrypted at rest; write-only)")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapPut("/{id:guid}/settings", (Guid id, ConnectionSettings input, ManageConnections handler, CancellationToken ct) => handler.ConfigureAsync(id, input, ct))
            .WithSummary("Sync on/off, interval, first pull start, API address")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapPost("/{id:guid}/sync", async (Guid id, ManageConnections connections, SyncShopOrders sync, CancellationToken ct) =>
            {
                await connections.GetAsync(id, ct);
                return await sync.RunAsync(id, "api:" + Guid.NewGuid().ToString("N"), ct);
            })
            .WithSummary("Sync the shop's orders now (同步); answers what the run did")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapPost("/{id:guid}/authorize", (Guid id, AuthorizeShops.AuthorizationRequest input, AuthorizeShops.AuthorizeShop handler, CancellationToken ct) =>
                handler.StartAsync(id, input, ct))
            .WithSummary("Start the platform's consent flow (店铺授权): store the app's credentials and answer the platform's consent page")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapPost("/authorize/complete", (AuthorizeShops.AuthorizationCompletion input, AuthorizeShops.AuthorizeShop handler, CancellationToken ct) =>
                handler.CompleteAsync(input, ct))
            .WithSummary("Exchange the code the platform sent back (with the state) for the shop's tokens")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapPost("/{id:guid}/listings/fetch", (Guid id, FetchListings.FetchListings handler, CancellationToken ct) => handler.RunAsync(id, ct))
            .WithSummary("Fetch the shop's listings from its platform into the catalog (一键抓取平台货品); unmatched ones land in the catalog's queue")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapGet("/{id:guid}/stock", (Guid id, PushStock.PushStock handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("The shop's stock push rules (库存同步): on/off, buffer, ratio, warehouses, schedule, waiting and refused listings")
            .RequirePermission(ChannelsPermissions.View);
        shops.MapPut("/{id:guid}/stock", (Guid id, StockPushSettings input, PushStock.PushStock handler, CancellationToken ct) => handler.ConfigureAsync(id, input, ct))
            .WithSummary("Set the shop's stock push rules; warehouseIds replaces the shop's warehouses (empty: every active warehouse)")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapGet("/{id:guid}/stock/listings", (Guid id, string? filter, string? search, string? after, int? limit, PushStock.PushStock handler, CancellationToken ct) =>
                handler.ListAsync(id, InputCheck.Filter<PushStock.ListingStockFilter>("filter", filter) ?? PushStock.ListingStockFilter.All, search,
                    PageRequest.From(after, limit), ct))
            .WithSummary("Each listing's computed quantity beside what the platform last accepted and last showed (drift)")
            .RequirePermission(ChannelsPermissions.View);
        shops.MapPut("/{id:guid}/stock/listings/{listingId:guid}", (Guid id, Guid listingId, ListingStockSettings input, PushStock.PushStock handler, CancellationToken ct) =>
                handler.ConfigureListingAsync(id, listingId, input, ct))
            .WithSummary("One listing's own rules: left out, fixed (virtual) quantity, floor, ceiling")
            .RequirePermission(ChannelsPermissions.Manage);
        shops.MapPost("/{id:guid}/stock/push", (Guid id, bool? all, PushStock.PushStock handler, CancellationToken ct) =>
                handler.RunAsync(id, "api:" + Guid.NewGuid().ToString("N"), all ?? false, ct))
            .WithSummary("Push the shop's changed quantities now (all=true: every listing's); answers what the run did")
            .RequirePermission(ChannelsPermissions.Manage);

        var orders = channels.MapGroup("/orders").WithTags("Platform orders 原始单");
        orders.MapGet("/", (Guid? shopId, string? search, string? status, string? after, int? limit, PlatformOrderQueries queries, CancellationToken ct) =>
                queries.ListAsync(shopId, search, InputCheck.Filter<PlatformOrderStatus>("status", status), PageRequest.From(after, limit), ct))
            .WithSummary("Platform orders, most recently updated first")
            .RequirePermission(ChannelsPermissions.View);
        orders.MapGet("/{id:guid}", (Guid id, PlatformOrderQueries queries, CancellationToken ct) => queries.GetAsync(id, ct))
            .WithSummary("One platform order with its lines, raw payload and status events")
            .RequirePermission(ChannelsPermissions.View);

        var confirmations = channels.MapGroup("/confirmations").WithTags("Shipment confirmations 回传");
        confirmations.MapPost("/", async (Contracts.ConfirmShipmentRequest input, Features.ConfirmShipments.SendConfirmations handler, CancellationToken ct) =>
            {
                var queued = await handler.QueueAsync(input, ct);
                return TypedResults.Created($"/api/v1/channels/confirmations/{queued.Id}", queued);
            })
            .WithSummary("Queue a shipment confirmation (tracking number and carrier) for its platform; queuing the same parcel again answers the same one")
            .RequirePermission(ChannelsPermissions.Manage);
        confirmations.MapGet("/", (Guid? shopId, string? state, string? after, int? limit, Features.ConfirmShipments.SendConfirmations handler, CancellationToken ct) =>
                handler.ListAsync(shopId, InputCheck.Filter<ConfirmationState>("state", state), PageRequest.From(after, limit), ct))
            .WithSummary("Shipment confirmations, newest first, with the platform's message of the last failure")
            .RequirePermission(ChannelsPermissions.View);
        confirmations.MapPost("/{id:long}/retry", (long id, Features.ConfirmShipments.SendConfirmations handler, CancellationToken ct) => handler.RetryAsync(id, ct))
            .WithSummary("Send a refused or waiting confirmation again at the next round")
            .RequirePermission(ChannelsPermissions.Manage);
        confirmations.MapPost("/send", (Features.ConfirmShipments.SendConfirmations handler, CancellationToken ct) =>
                handler.SendDueAsync("api:" + Guid.NewGuid().ToString("N"), 500, ct))
            .WithSummary("Send the due confirmations now (the schedule does it every few seconds)")
            .RequirePermission(ChannelsPermissions.Manage);

        var quarantine = channels.MapGroup("/quarantine").WithTags("Quarantine 隔离记录");
        quarantine.MapGet("/", (Guid? shopId, string? state, string? after, int? limit, PlatformOrderQueries queries, CancellationToken ct) =>
                queries.QuarantineAsync(shopId, InputCheck.Filter<QuarantineState>("state", state), PageRequest.From(after, limit), ct))
            .WithSummary("Records a pull could not read, with their error and payload")
            .RequirePermission(ChannelsPermissions.View);
        quarantine.MapPost("/{id:long}/retry", (long id, ManageQuarantine handler, CancellationToken ct) => handler.RetryAsync(id, ct))
            .WithSummary("Fetch the order from its platform again and store it (重试)")
            .RequirePermission(ChannelsPermissions.Manage);
        quarantine.MapPost("/{id:long}/dismiss", (long id, ManageQuarantine handler, CancellationToken ct) => handler.DismissAsync(id, ct))
            .WithSummary("Close an entry nobody needs (忽略)")
            .RequirePermission(ChannelsPermissions.Manage);
    }
}
