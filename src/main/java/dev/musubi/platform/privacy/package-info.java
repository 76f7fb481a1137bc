/**
 * The privacy port: what each module contributes so that the privacy module can hand a member their
 * personal data ({@link dev.musubi.platform.privacy.PersonalDataSource}), apply the company's
 * retention policy ({@link dev.musubi.platform.privacy.RetentionTarget}) and destroy a purged
 * member's data ({@link dev.musubi.platform.privacy.PersonalDataEraser}). Modules implement these
 * as beans in their {@code internal} package; the privacy module finds them all.
 */
@NullMarked
package dev.musubi.platform.privacy;

import org.jspecify.annotations.NullMarked;
