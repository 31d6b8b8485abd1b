using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    shop_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    provinces = table.Column<List<string>>(type: "text[]", nullable: false),
                    warehouse_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_allocation_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    from = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    to = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_number_counters",
                columns: table => new
                {
                    day = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    last_number = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_number_counters", x => x.day);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    origin = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: true),
                    platform_order_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    held_from = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    hold_reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    hold_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    exceptions = table.Column<int>(type: "integer", nullable: false),
                    buyer_nick = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    buyer_message = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    seller_memo = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    receiver_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    receiver_phone = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    country = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    province = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    district = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    address = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    postal_code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    goods_amount = table.Column<long>(type: "bigint", nullable: false),
                    discount = table.Column<long>(type: "bigint", nullable: false),
                    postage = table.Column<long>(type: "bigint", nullable: false),
                    paid = table.Column<long>(type: "bigint", nullable: false),
                    placed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    paid_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    presale = table.Column<bool>(type: "boolean", nullable: false),
                    ship_by = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: true),
                    allocated_by = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    carrier_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    line_count = table.Column<int>(type: "integer", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    combo_sku_id = table.Column<Guid>(type: "uuid", nullable: true),
                    replaced_sku_id = table.Column<Guid>(type: "uuid", nullable: true)
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    platform_order_id = table.Column<Guid>(type: "uuid", nullable: true),
                    platform_line_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    platform_item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    platform_sku_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    seller_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    spec = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    price = table.Column<long>(type: "bigint", nullable: false),
                    paid = table.Column<long>(type: "bigint", nullable: false),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sku_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    multiplier = table.Column<int>(type: "integer", nullable: false),
                    resolution_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    resolution_message = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
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
                    platform_order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    platform_order_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C")
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
