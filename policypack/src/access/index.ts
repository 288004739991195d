export * from "./values";
export * from "./tokens";
export * from "./location";
export * from "./resource";
export * from "./stack";
