using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class OrdersFoundation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "allocation_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    priority = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    shop_ids = table.Column<string>(type: "TEXT", nullable: false),
                    provinces = table.Column<string>(type: "TEXT", nullable: false),
                    warehouse_ids = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_allocation_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    from = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    to = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_number_counters",
                columns: table => new
                {
                    day = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    last_number = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_number_counters", x => x.day);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    origin = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    shop_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    platform_order_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    held_from = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    hold_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    hold_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    exceptions = table.Column<int>(type: "INTEGER", nullable: false),
                    buyer_nick = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    buyer_message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    seller_memo = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    receiver_name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    receiver_phone = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    country = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    province = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    city = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    district = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    address = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    postal_code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    goods_amount = table.Column<long>(type: "INTEGER", nullable: false),
                    discount = table.Column<long>(type: "INTEGER", nullable: false),
                    postage = table.Column<long>(type: "INTEGER", nullable: false),
                    paid = table.Column<long>(type: "INTEGER", nullable: false),
                    placed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    paid_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    presale = table.Column<bool>(type: "INTEGER", nullable: false),
                    ship_by = table.Column<DateTime>(type: "TEXT", nullable: true),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    allocated_by = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    line_count = table.Column<int>(type: "INTEGER", nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    combo_sku_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    replaced_sku_id = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_order_items_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_lines",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    platform_order_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    platform_line_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    platform_item_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    platform_sku_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    seller_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    spec = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    price = table.Column<long>(type: "INTEGER", nullable: false),
                    paid = table.Column<long>(type: "INTEGER", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    sku_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    multiplier = table.Column<int>(type: "INTEGER", nullable: false),
                    resolution_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    resolution_message = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_order_lines_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_sources",
                columns: table => new
                {
                    platform_order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    shop_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    platform_order_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_sources", x => x.platform_order_id);
                    table.ForeignKey(
                        name: "fk_order_sources_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_items_order_id",
                table: "order_items",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_order_items_sku_id",
                table: "order_items",
                column: "sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_order_id_position",
                table: "order_lines",
                columns: new[] { "order_id", "position" });

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_seller_code",
                table: "order_lines",
                column: "seller_code");

            migrationBuilder.CreateIndex(
                name: "ix_order_log_order_id_id",
                table: "order_log",
                columns: new[] { "order_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_order_sources_order_id",
                table: "order_sources",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_order_no",
                table: "orders",
                column: "order_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_platform_order_no",
                table: "orders",
                column: "platform_order_no");

            migrationBuilder.CreateIndex(
                name: "ix_orders_receiver_name",
                table: "orders",
                column: "receiver_name");

            migrationBuilder.CreateIndex(
                name: "ix_orders_shop_id_status_created_at",
                table: "orders",
                columns: new[] { "shop_id", "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_status_created_at_order_no",
                table: "orders",
                columns: new[] { "status", "created_at", "order_no" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "allocation_rules");

            migrationBuilder.DropTable(
                name: "order_items");

            migrationBuilder.DropTable(
                name: "order_lines");

            migrationBuilder.DropTable(
                name: "order_log");

            migrationBuilder.DropTable(
                name: "order_number_counters");

            migrationBuilder.DropTable(
                name: "order_sources");

            migrationBuilder.DropTable(
                name: "orders");
        }
    }
}
