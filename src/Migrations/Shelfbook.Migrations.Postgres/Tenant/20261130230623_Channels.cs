using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class Channels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "platform_order_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    platform_order_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    change = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_order_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "platform_orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    platform = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    platform_order_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    platform_status = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    refund = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    placed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    paid_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    platform_updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    buyer_nick = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    buyer_message = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    seller_memo = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    receiver_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    receiver_phone = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    country = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    province = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    district = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    postal_code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    goods_amount = table.Column<long>(type: "bigint", nullable: false),
                    discount = table.Column<long>(type: "bigint", nullable: false),
                    postage = table.Column<long>(type: "bigint", nullable: false),
                    paid = table.Column<long>(type: "bigint", nullable: false),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    raw_payload = table.Column<string>(type: "text", nullable: false),
                    first_stored_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    stored_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_orders", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "quarantined_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    platform_order_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    occurrences = table.Column<int>(type: "integer", nullable: false),
                    first_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quarantined_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "shop_connections",
                columns: table => new
                {
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    credential_names = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    protected_credentials = table.Column<string>(type: "text", nullable: true),
                    credentials_changed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    api_base_url = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    sync_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    sync_interval_seconds = table.Column<int>(type: "integer", nullable: false),
                    first_pull_from = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    cursor = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    next_sync_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lease_owner = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    lease_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_success_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    last_error_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    health = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_connections", x => x.shop_id);
                });

            migrationBuilder.CreateTable(
                name: "platform_order_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    platform_line_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    platform_item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    platform_sku_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    seller_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    spec = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    price = table.Column<long>(type: "bigint", nullable: false),
                    paid = table.Column<long>(type: "bigint", nullable: false),
                    refund = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_order_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_platform_order_lines_platform_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "platform_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_platform_order_events_order_id",
                table: "platform_order_events",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_platform_order_lines_order_id",
                table: "platform_order_lines",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_platform_orders_platform_updated_at_platform_order_id",
                table: "platform_orders",
                columns: new[] { "platform_updated_at", "platform_order_id" });

            migrationBuilder.CreateIndex(
                name: "ix_platform_orders_shop_id_platform_order_id",
                table: "platform_orders",
                columns: new[] { "shop_id", "platform_order_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_quarantined_records_shop_id_state_platform_order_id",
                table: "quarantined_records",
                columns: new[] { "shop_id", "state", "platform_order_id" });

            migrationBuilder.CreateIndex(
                name: "ix_shop_connections_sync_enabled_next_sync_at",
                table: "shop_connections",
                columns: new[] { "sync_enabled", "next_sync_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "platform_order_events");

            migrationBuilder.DropTable(
                name: "platform_order_lines");

            migrationBuilder.DropTable(
                name: "quarantined_records");

            migrationBuilder.DropTable(
                name: "shop_connections");

            migrationBuilder.DropTable(
                name: "platform_orders");
        }
    }
}
