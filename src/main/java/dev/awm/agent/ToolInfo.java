package dev.awm.agent;

import tools.jackson.databind.JsonNode;

/** A tool as an MCP server lists it: name, description and the JSON Schema of its arguments. */
public record ToolInfo(String name, String description, JsonNode inputSchema) {}
