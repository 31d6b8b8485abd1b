using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class StockPush : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "listing_stock",
                columns: table => new
                {
                    listing_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    opt_out = table.Column<bool>(type: "boolean", nullable: false),
                    fixed_quantity = table.Column<int>(type: "integer", nullable: true),
                    min_quantity = table.Column<int>(type: "integer", nullable: true),
                    max_quantity = table.Column<int>(type: "integer", nullable: true),
                    wanted_quantity = table.Column<long>(type: "bigint", nullable: true),
                    pushed_quantity = table.Column<long>(type: "bigint", nullable: true),
                    pushed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    platform_quantity = table.Column<long>(type: "bigint", nullable: true),
                    platform_quantity_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    last_error_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    retry_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_listing_stock", x => x.listing_id);
                });

            migrationBuilder.CreateTable(
                name: "shop_stock_pushes",
                columns: table => new
                {
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    buffer = table.Column<int>(type: "integer", nullable: false),
                    ratio_percent = table.Column<int>(type: "integer", nullable: false),
                    next_push_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_push_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lease_owner = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    lease_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    last_error_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_stock_pushes", x => x.shop_id);
                });

            migrationBuilder.CreateTable(
                name: "shop_warehouses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_warehouses", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_listing_stock_shop_id",
                table: "listing_stock",
                column: "shop_id");

            migrationBuilder.CreateIndex(
                name: "ix_shop_stock_pushes_enabled_next_push_at",
                table: "shop_stock_pushes",
                columns: new[] { "enabled", "next_push_at" });

            migrationBuilder.CreateIndex(
                name: "ix_shop_warehouses_shop_id_warehouse_id",
                table: "shop_warehouses",
                columns: new[] { "shop_id", "warehouse_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "listing_stock");

            migrationBuilder.DropTable(
                name: "shop_stock_pushes");

            migrationBuilder.DropTable(
                name: "shop_warehouses");
        }
    }
}
