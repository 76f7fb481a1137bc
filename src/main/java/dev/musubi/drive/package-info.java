/**
 * Drive: every member's personal drive and the company's shared drives, folders and files with
 * versions and a trash, quotas, sharing links for outsiders and the company's drive policy. File
 * contents live only in the platform blob store ({@link dev.musubi.platform.blob.BlobStore}); this
 * module keeps the tree, the rights and the references. Call {@link dev.musubi.drive.Drives}.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit"})
package dev.musubi.drive;

import org.jspecify.annotations.NullMarked;
